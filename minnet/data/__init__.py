"""minnet.data: data sets, loaders, preprocessing and data corruptions, as plain NumPy arrays.

Everything random here takes ``seed=``: an integer gives a private generator,
``None`` draws from minnet's generator (so ``mn.manual_seed`` fixes it).
Inputs ``X`` are float32 by default and class labels ``y`` are int64.

* Toy sets: :func:`spiral`, :func:`moons`, :func:`circles`, :func:`xor`,
  :func:`blobs` (2-D classification), :func:`sine` (1-D regression),
  :func:`shapes` (small images, classes in :data:`SHAPE_CLASSES`).
* A real set: :func:`load_digits` (8x8 handwritten digits, shipped with minnet).
* Batching and splitting: :class:`DataLoader`, :func:`train_val_split`.
* Preprocessing: :class:`Standardizer`, :class:`MinMaxScaler`,
  :func:`scale_images`, :class:`SimpleImputer` (missing values).
* Encoding: :func:`one_hot` (labels), :func:`one_hot_columns` (categorical columns).
* Corruptions: :func:`flip_labels`, :func:`swap_labels`,
  :func:`shuffle_independently`, :func:`make_imbalanced`, :func:`remove_class`,
  :func:`scale_features`, :func:`add_outliers`, :func:`add_noise_features`,
  :func:`insert_missing`, :func:`augment_images` (without a ``label_map``).
* Fixes for imbalance: :func:`class_weights`, :func:`oversample`.
* Augmentation: :func:`augment_images` with a ``label_map``; ``keep_original=True``
  adds the transformed images as new samples (to grow a small set).
"""
from minnet.data.augment import augment_images
from minnet.data.balance import class_weights, oversample
from minnet.data.corruptions import (add_noise_features, add_outliers, flip_labels, insert_missing,
                                     make_imbalanced, remove_class, scale_features, shuffle_independently,
                                     swap_labels)
from minnet.data.digits import DIGITS_MAX_VALUE, load_digits
from minnet.data.encoding import one_hot, one_hot_columns
from minnet.data.generators import blobs, circles, moons, sine, spiral, xor
from minnet.data.images import SHAPE_CLASSES, shape_label_map, shapes
from minnet.data.impute import SimpleImputer
from minnet.data.loader import DataLoader
from minnet.data.preprocessing import MinMaxScaler, Standardizer, scale_images
from minnet.data.split import train_val_split

__all__ = [
    "spiral", "moons", "circles", "xor", "blobs", "sine", "shapes", "SHAPE_CLASSES", "shape_label_map",
    "load_digits", "DIGITS_MAX_VALUE",
    "DataLoader", "train_val_split",
    "Standardizer", "MinMaxScaler", "scale_images", "SimpleImputer", "one_hot", "one_hot_columns",
    "flip_labels", "swap_labels", "shuffle_independently", "make_imbalanced", "remove_class",
    "scale_features", "add_outliers", "add_noise_features", "insert_missing", "augment_images",
    "class_weights", "oversample",
]
