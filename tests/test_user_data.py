"""The user's own data: a good file loads; every malformed one gets one line naming its problem."""

import numpy as np
import pytest

from reportgen.experiments.data_scale import plan
from reportgen.profile import load_profile
from reportgen.records.data import DataInfo
from reportgen.user_data import DatasetError, load_user_dataset


def _csv(tmp_path, rows, header="a,b,label"):
    path = tmp_path / "data.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def _good_rows(n=200):
    rng = np.random.default_rng(0)
    return [f"{rng.normal():.3f},{rng.normal():.3f},{'cat' if i % 3 else 'dog'}" for i in range(n)]


def test_a_good_csv_loads_with_a_stratified_held_out_test_set(tmp_path):
    data = load_user_dataset(_csv(tmp_path, _good_rows()), "label")
    assert data.info.name == "data.csv" and data.info.generator == "file"
    assert (data.info.features, data.info.classes, data.info.sequence) == (2, 2, False)
    assert data.info.pool_size == 150 and data.info.test_size == 50
    assert data.info.generator_args["class_names"] == ["cat", "dog"]
    assert abs(float(data.x_pool.mean())) < 1e-6  # scaled by the training pool's statistics


def test_a_good_npz_loads(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, X=np.random.default_rng(0).normal(size=(120, 5)), y=np.arange(120) % 4)
    data = load_user_dataset(path)
    assert (data.info.features, data.info.classes) == (5, 4)


@pytest.mark.parametrize("rows, header, label, message", [
    (_good_rows(), "a,b,label", "class", "no label column 'class' (columns: a, b, label); name it with --label"),
    (["1,x,dog"] + _good_rows(), "a,b,label", "label", "non-numeric feature 'b' on line 2"),
    ([r.replace("cat", "dog") for r in _good_rows()], "a,b,label", "label", "has a single class"),
    (_good_rows(50), "a,b,label", "label", "50 rows; at least 100 are needed"),
    (["1,2"] + _good_rows(), "a,b,label", "label", "line 2 has 2 fields, the header 3"),
    (["nan,1,cat"] + _good_rows(), "a,b,label", "label", "missing or infinite values"),
])
def test_malformed_csv_files_are_refused(tmp_path, rows, header, label, message):
    with pytest.raises(DatasetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_user_dataset(_csv(tmp_path, rows, header), label)


def test_malformed_npz_and_other_files_are_refused(tmp_path):
    missing = tmp_path / "m.npz"
    np.savez(missing, features=np.zeros((200, 2)))
    with pytest.raises(DatasetError, match="needs arrays named X and y"):
        load_user_dataset(missing)
    pickled = tmp_path / "p.npz"
    np.savez(pickled, X=np.zeros((200, 2)), y=np.array([{"a": 1}] * 200, dtype=object))
    with pytest.raises(DatasetError, match="without pickled objects"):
        load_user_dataset(pickled)
    with pytest.raises(DatasetError, match="use a .csv file"):
        load_user_dataset(_csv(tmp_path, _good_rows()).rename(tmp_path / "data.xlsx"))
    with pytest.raises(DatasetError, match="not found"):
        load_user_dataset(tmp_path / "absent.csv")


def test_the_plan_fits_the_grid_to_the_pool_and_drops_the_cnn_for_tables():
    settings = load_profile("standard")[0].data_scale
    table = DataInfo(name="mine.csv", generator="file", generator_args={}, pool_size=1500, test_size=500,
                     from_cache=False, features=8, classes=3, sequence=False)
    p = plan(settings, table)
    assert p.m_values == [100, 250, 500, 1000, 1500]
    assert "cnn" not in p.learners
    assert any("CNN was left out" in n for n in p.notes)
    tiny = plan(settings, DataInfo(name="t.csv", generator="file", generator_args={}, pool_size=160, test_size=50,
                                   from_cache=False, features=8, classes=3, sequence=False))
    assert len(tiny.m_values) >= 4 and tiny.m_values[-1] == 160
    mnist = plan(settings, DataInfo(name="MNIST-1D", generator="g", generator_args={}, pool_size=32000,
                                    test_size=4000, from_cache=True))
    assert mnist.m_values == settings.m and "cnn" in mnist.learners
    assert mnist.runs_for("svm_rbf")[-1] == settings.svm_max_m


@pytest.mark.parametrize("text, message", [
    ("a,label,label\n" + "".join(f"{i},{i % 2},{i % 2}\n" for i in range(120)), "the label column 'label' appears 2 times"),
    ("a,label\n" + "".join(f"{i},{'nan' if i == 7 else i % 2}\n" for i in range(120)), "is missing on row 8"),
    ("a,label\n" + "".join(f"{i},{'' if i == 3 else i % 2}\n" for i in range(120)), "is missing on row 4"),
    ("label\n" + "".join(f"{i % 2}\n" for i in range(120)), "no feature columns beside the label"),
    ("a,label,a\n" + "".join(f"{i},{i % 2},{i}\n" for i in range(120)), "the column 'a' appears 2 times"),
    ("a,b,label, b\n" + "".join(f"{i},1,{i % 2},{i}\n" for i in range(120)), "the column 'b' appears 2 times"),
])
def test_a_csv_that_would_leak_the_label_or_invent_a_class_is_refused(tmp_path, text, message):
    (tmp_path / "d.csv").write_text(text)
    with pytest.raises(DatasetError, match=message):
        load_user_dataset(tmp_path / "d.csv")


def test_an_npz_with_nan_labels_or_no_features_is_refused(tmp_path):
    y = (np.arange(120) % 2).astype(float)
    y[5] = np.nan
    np.savez(tmp_path / "nan.npz", X=np.zeros((120, 2)), y=y)
    with pytest.raises(DatasetError, match="is missing on row 6"):
        load_user_dataset(tmp_path / "nan.npz")
    np.savez(tmp_path / "none.npz", X=np.zeros((120, 0)), y=np.arange(120) % 2)
    with pytest.raises(DatasetError, match="no feature columns"):
        load_user_dataset(tmp_path / "none.npz")


def test_a_csv_with_a_byte_order_mark_loads(tmp_path):
    (tmp_path / "d.csv").write_bytes(b"\xef\xbb\xbf" + ("label,a\n" + "".join(f"{i % 2},{i}\n" for i in range(120))).encode())
    assert load_user_dataset(tmp_path / "d.csv").info.features == 1


def test_a_large_csv_is_read_through_the_progress_hook_to_its_last_byte(tmp_path, monkeypatch):
    import contextlib

    from reportgen import user_data

    monkeypatch.setattr(user_data, "LARGE", 100)
    (tmp_path / "d.csv").write_text("a,label\n" + "".join(f"{i},{i % 2}\n" for i in range(120)))
    seen = []

    class Counting:  # what the command line's bar does: counts the bytes read, by the file's size
        def __init__(self, file):
            self.file = file

        def readinto(self, buffer):
            n = self.file.readinto(buffer)
            seen.append(n)
            return n

        def __getattr__(self, name):
            return getattr(self.file, name)

    @contextlib.contextmanager
    def reading(file, size, name):
        seen.append((name, size))
        yield Counting(file)

    data = load_user_dataset(tmp_path / "d.csv", reading=reading)
    assert seen[0] == ("d.csv", (tmp_path / "d.csv").stat().st_size)
    assert sum(seen[1:]) == seen[0][1] and len(data.y_pool) + len(data.y_test) == 120
