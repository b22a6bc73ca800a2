"""Published figures the report places beside its own measurements, always labelled as published, with source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    key: str
    citation: str
    note: str  # what the source reports, and how its setting differs from ours


REFERENCES = [
    Reference("ng2017", "Andrew Ng, \"Why is deep learning taking off?\", Neural Networks and Deep Learning "
              "(deeplearning.ai / Coursera), course 1, week 1.", "The argument this report tests: with more labelled "
              "data m, traditional learners plateau while small, medium and large nets keep improving; at small m "
              "the ranking is not well defined; switching sigmoid for ReLU made gradient descent much faster; fast "
              "computation shortens the idea, code, experiment loop from a month to a day or ten minutes."),
    Reference("greydanus2020", "Greydanus and Kobak (2020), Scaling down deep learning (MNIST-1D).",
              "Default split of 4,000 training and 1,000 test examples. Published test accuracy: logistic "
              "regression 32%, MLP 68%, CNN 94%, GRU 91%, human about 96%; trained with Adam, learning rate 1e-2, "
              "6,000 to 8,000 steps."),
    Reference("hestness2017", "Hestness et al. (2017), Deep Learning Scaling is Predictable, Empirically.",
              "Generalisation error follows a·m^b + c past a small-data region, with exponents b between -0.07 and "
              "-0.35 across translation, language modelling, image classification and speech."),
    Reference("banko2001", "Banko and Brill (2001), Scaling to very very large corpora for natural language "
              "disambiguation.", "Learning curves stay log-linear out to one billion words of training text."),
    Reference("glorot2010", "Glorot and Bengio (2010), Understanding the difficulty of training deep feedforward "
              "neural networks.", "With sigmoid units and standard initialisation, back-propagated gradients "
              "shrink towards the input layers; with 5 hidden layers of 1,000 units the top hidden layer saturates "
              "early. Test error on MNIST: sigmoid 2.21%, tanh 1.76%."),
    Reference("krizhevsky2012", "Krizhevsky, Sutskever and Hinton (2012), ImageNet classification with deep "
              "convolutional neural networks.", "A four-layer CNN with ReLUs reached 25% training error on "
              "CIFAR-10 six times faster, in epochs, than the same network with tanh units."),
    Reference("raina2009", "Raina, Madhavan and Ng (2009), Large-scale deep unsupervised learning using graphics "
              "processors.", "Deep belief networks trained up to 70 times faster on a GPU than on a dual-core "
              "CPU."),
    Reference("grinsztajn2022", "Grinsztajn et al. (2022), Why do tree-based models still outperform deep learning "
              "on tabular data?", "On 45 tabular data sets of about 10,000 samples, tree-based models stayed "
              "ahead of deep models: the data-scale argument is about large perceptual data."),
    Reference("nccltests", "NVIDIA, nccl-tests, doc/PERFORMANCE.md.", "How all-reduce bandwidth is quoted: algbw = "
              "bytes / time, and busbw = algbw × 2(n−1)/n, so that the figure compares with a link's peak whatever "
              "the number of ranks. The scaling section's bandwidths follow it."),
    Reference("pytorchddp", "PyTorch, benchmarks/distributed/ddp (the DistributedDataParallel benchmark).",
              "A fixed batch per rank (weak scaling) beside a no-DDP baseline and DDP at world size 1: ResNet-50 "
              "at 329 examples/s without DDP, 319 with DDP on one GPU and 306 per GPU on 16 GPUs (93% of one GPU's "
              "rate), measured on GPUs, not on one machine's CPU cores."),
]

# Published MNIST-1D test accuracy on the default split (m = 4000), for the table beside ours.
MNIST1D_PUBLISHED = {"logistic": 0.32, "mlp": 0.68, "cnn": 0.94}
MNIST1D_PUBLISHED_M = 4000
MNIST1D_PUBLISHED_PROTOCOL = {"steps": "6,000 to 8,000", "learning_rate": 1e-2, "test_size": 1000,
                              "data": "the paper's released data set"}
# The paper's nets, as its code builds them: the MLP two hidden layers of 100 units, the CNN three 1-D conv layers
# of 25 channels.
MNIST1D_PUBLISHED_NETS = {"mlp": ("two hidden layers of 100 units", 15210), "cnn": ("three conv layers of 25 channels",
                                                                                    5210)}
KRIZHEVSKY_RELU_SPEEDUP = 6  # ReLU against tanh, epochs to 25% training error on CIFAR-10 (Krizhevsky et al. 2012)
