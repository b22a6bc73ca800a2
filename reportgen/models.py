"""The neural nets of the battery, built by the names `learners` lists."""

from __future__ import annotations

import torch
from torch import nn

from reportgen.learners import CLASSES, INPUT_LENGTH, MLP_SIZES

LAYERS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}  # one per name in learners.ACTIVATIONS


def mlp(hidden: tuple[int, ...] | list[int], activation: str = "relu", inputs: int = INPUT_LENGTH,
        classes: int = CLASSES) -> nn.Sequential:
    """A fully connected net with PyTorch's default initialisation (uniform, scaled by 1/sqrt(fan-in))."""
    layers: list[nn.Module] = []
    width = inputs
    for units in hidden:
        layers += [nn.Linear(width, units), LAYERS[activation]()]
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
