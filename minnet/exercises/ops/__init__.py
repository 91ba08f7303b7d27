"""The exercises, one file per family of ops; ``EXERCISES`` lists them in the order they are taught."""
from . import activations, batchnorm, conv, dropout, linear, losses, pooling

EXERCISES = (activations.EXERCISES + linear.EXERCISES + losses.EXERCISES + pooling.EXERCISES
             + conv.EXERCISES + batchnorm.EXERCISES + dropout.EXERCISES)
