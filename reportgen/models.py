"""The learners of the battery: the neural nets (torch) and the traditional learners (scikit-learn)."""

from __future__ import annotations

import torch
from torch import nn

INPUT_LENGTH = 40  # MNIST-1D sequence length
CLASSES = 10

# Hidden widths of the three MLP sizes (the "small, medium and large neural nets" of the lecture's plot).
MLP_SIZES = {"mlp_small": (32,), "mlp_medium": (128, 128), "mlp_large": (512, 512, 512)}
MODELS = (*MLP_SIZES, "cnn")
TRADITIONAL = ("logistic", "svm_rbf")
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
ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}


def mlp(hidden: tuple[int, ...] | list[int], activation: str = "relu", inputs: int = INPUT_LENGTH,
        classes: int = CLASSES) -> nn.Sequential:
    """A fully connected net with PyTorch's default initialisation (uniform, scaled by 1/sqrt(fan-in))."""
    layers: list[nn.Module] = []
    width = inputs
    for units in hidden:
        layers += [nn.Linear(width, units), ACTIVATIONS[activation]()]
        width = units
    layers.append(nn.Linear(width, classes))
    return nn.Sequential(*layers)


class ConvNet(nn.Module):
    """Three 1-D convolutions of 25 channels and a linear read-out: the MNIST-1D paper's CNN baseline."""

    def __init__(self, length: int = INPUT_LENGTH, classes: int = CLASSES, channels: int = 25):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(1, channels, 5, stride=2, padding=1), nn.ReLU(),
            nn.Conv1d(channels, channels, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv1d(channels, channels, 3, stride=2, padding=1), nn.ReLU(),
        )
        for _ in range(3):  # each convolution halves the length (stride 2), rounding up
            length = (length + 1) // 2
        self.readout = nn.Linear(channels * length, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.readout(self.features(x.unsqueeze(1)).flatten(1))


def build_model(name: str, inputs: int = INPUT_LENGTH, classes: int = CLASSES) -> nn.Module:
    return ConvNet(inputs, classes) if name == "cnn" else mlp(MLP_SIZES[name], inputs=inputs, classes=classes)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
