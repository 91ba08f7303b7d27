"""minnet.data: data sets, loaders, preprocessing and data corruptions, as plain NumPy arrays.

Everything random here takes ``seed=``: an integer gives a private generator,
``None`` draws from minnet's generator (so ``mn.manual_seed`` fixes it).
Inputs ``X`` are float32 by default and class labels ``y`` are int64.

* Toy sets: :func:`spiral`, :func:`moons`, :func:`circles`, :func:`xor`,
  :func:`blobs` (2-D classification), :func:`sine` (1-D regression),
  :func:`shapes` (small images, classes in :data:`SHAPE_CLASSES`),
  :func:`point_patterns` (patterns of points anywhere, facing any way),
  :func:`categorical_table` (numeric columns and a categorical one).
* A real set: :func:`load_digits` (8x8 handwritten digits, shipped with minnet).
* Batching and splitting: :class:`DataLoader`, :func:`train_val_split`.
* Preprocessing: :class:`Standardizer`, :class:`MinMaxScaler`,
  :func:`scale_images`, :class:`SimpleImputer` (missing values),
  :func:`local_frame` (points relative to their centre and facing).
* Cleaning: :class:`VarianceThreshold` (drop constant features),
  :func:`find_outliers` (robust z-scores).
* Encoding: :func:`one_hot` (labels), :func:`one_hot_columns` (categorical columns).
* Corruptions: :func:`flip_labels`, :func:`swap_labels`,
  :func:`shuffle_independently`, :func:`make_imbalanced`, :func:`remove_class`,
  :func:`scale_features`, :func:`add_outliers`, :func:`add_unit_errors`,
  :func:`add_noise_features`, :func:`insert_missing`, :func:`augment_images`
  (without a ``label_map``).
* Fixes for imbalance: :func:`class_weights`, :func:`oversample`.
* Augmentation: :func:`augment_images` with a ``label_map``; ``keep_original=True``
  adds the transformed images as new samples (to grow a small set).
"""
from minnet.data.augment import augment_images
from minnet.data.balance import class_weights, oversample
from minnet.data.cleaning import VarianceThreshold, find_outliers
from minnet.data.corruptions import (add_noise_features, add_outliers, add_unit_errors, flip_labels,
                                     insert_missing, make_imbalanced, remove_class, scale_features,
                                     shuffle_independently, swap_labels)
from minnet.data.digits import DIGITS_MAX_VALUE, load_digits
from minnet.data.encoding import one_hot, one_hot_columns
from minnet.data.frames import local_frame
from minnet.data.generators import blobs, categorical_table, circles, moons, point_patterns, sine, spiral, xor
from minnet.data.images import SHAPE_CLASSES, shape_label_map, shapes
from minnet.data.impute import SimpleImputer
from minnet.data.loader import DataLoader
from minnet.data.preprocessing import MinMaxScaler, Standardizer, scale_images
from minnet.data.split import train_val_split

__all__ = [
    "spiral", "moons", "circles", "xor", "blobs", "sine", "shapes", "SHAPE_CLASSES", "shape_label_map",
    "point_patterns", "categorical_table",
    "load_digits", "DIGITS_MAX_VALUE",
    "DataLoader", "train_val_split",
    "Standardizer", "MinMaxScaler", "scale_images", "SimpleImputer", "one_hot", "one_hot_columns", "local_frame",
    "VarianceThreshold", "find_outliers",
    "flip_labels", "swap_labels", "shuffle_independently", "make_imbalanced", "remove_class",
    "scale_features", "add_outliers", "add_unit_errors", "add_noise_features", "insert_missing", "augment_images",
    "class_weights", "oversample",
]
