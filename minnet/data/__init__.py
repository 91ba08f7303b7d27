"""minnet.data: data sets, loaders, preprocessing and data corruptions, as plain NumPy arrays."""
from minnet.data.generators import blobs, circles, moons, sine, spiral, xor
from minnet.data.images import SHAPE_CLASSES, shape_label_map, shapes
from minnet.data.loader import DataLoader
from minnet.data.split import train_val_split
from minnet.data.preprocessing import MinMaxScaler, Standardizer, one_hot, scale_images
from minnet.data.digits import DIGITS_MAX_VALUE, load_digits
