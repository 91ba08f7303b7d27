"""Containers: ``Sequential`` (layers one after another) and ``Residual`` (x + block(x))."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Iterator

from .module import Module


class Sequential(Module):
    """Apply layers in order: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    Children are named ``"0"``, ``"1"``, ... (or by the keys of an ``OrderedDict``), so parameters
    are named ``"0.weight"``, ``"2.bias"``. Indexable (``model[0]``, ``model[-1]``, ``model[1:]``
    gives a new Sequential sharing the layers), iterable, and ``len(model)`` counts the layers.

    >>> model = Sequential(Dense(2, 16), ReLU(), Dense(16, 3))
    >>> len(model), type(model[1]).__name__
    (3, 'ReLU')
    """

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], OrderedDict):
            named = list(layers[0].items())
        else:
            named = [(str(i), layer) for i, layer in enumerate(layers)]
        for name, layer in named:
            self._add(name, layer)

    def _add(self, name: str, layer: Module) -> None:
        if not isinstance(layer, Module):
            hint = " (did you pass the class instead of an instance, e.g. ReLU instead of ReLU()?)" \
                if isinstance(layer, type) else ""
            raise TypeError(f"Sequential: layer {name} is a {type(layer).__name__}, not a Module{hint}")
        setattr(self, name, layer)

    def append(self, layer: Module) -> "Sequential":
        """Add a layer at the end; returns self."""
        self._add(str(len(self)), layer)
        return self

    def _layers(self) -> list:
        return [self.__dict__[name] for name in self._modules]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._layers())

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            names = list(self._modules)[index]
            return Sequential(OrderedDict((n, self.__dict__[n]) for n in names))
        layers = self._layers()
        try:
            return layers[index]
        except IndexError:
            raise IndexError(f"Sequential index {index} is out of range for {len(layers)} layers") from None

    def forward(self, x: Any) -> Any:
        for name in self._modules:                 # the layers, in order
            x = self.__dict__[name](x)
        return x


class Residual(Module):
    """A skip connection: ``y = x + block(x)``; ``block`` must keep the shape of its input.

    The identity path passes gradients through unchanged (dL/dx = dL/dy + dL/dy · dblock/dx),
    which is why deep residual networks train where equally deep plain stacks stall.
    """

    def __init__(self, block: Module) -> None:
        super().__init__()
        self.block = block

    def forward(self, x: Any) -> Any:
        out = self.block(x)
        if tuple(out.shape) != tuple(x.shape):
            raise ValueError(f"Residual: the block maps input of shape {tuple(x.shape)} to shape "
                             f"{tuple(out.shape)}; x + block(x) needs the block to keep the shape")
        return x + out
