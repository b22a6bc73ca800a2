"""The learners and models of the battery by name: which exist, what the report calls them, their sizes.

Free of torch and scikit-learn: profiles are checked and reports written from these names alone; `models`
builds the nets they name.
"""

from __future__ import annotations

INPUT_LENGTH = 40  # MNIST-1D sequence length
CLASSES = 10

# Hidden widths of the three MLP sizes (the "small, medium and large neural nets" of the lecture's plot).
MLP_SIZES = {"mlp_small": (32,), "mlp_medium": (128, 128), "mlp_large": (512, 512, 512)}
MODELS = (*MLP_SIZES, "cnn")
TRADITIONAL = ("logistic", "svm_rbf")
SEARCH_MAX_M = 2000  # above this m a traditional learner's settings are chosen by cross-validation on the
# subset's first this many examples (experiments/data_scale.py), which the findings must know to judge a plateau
LEARNERS = (*TRADITIONAL, *MODELS)
class _Labels(dict):
    """Names as the report shows them; a name this version does not know (from a newer or edited results file)
    is shown as it is."""

    def __missing__(self, name: str) -> str:
        return name


LABELS = _Labels({
    "logistic": "Logistic regression",
    "svm_rbf": "SVM (RBF kernel)",
    "mlp_small": "Small MLP (32)",
    "mlp_medium": "Medium MLP (128x2)",
    "mlp_large": "Large MLP (512x3)",
    "cnn": "CNN (3 conv layers x 25)",
})
ACTIVATIONS = ("sigmoid", "tanh", "relu")
