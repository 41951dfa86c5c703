// zlib for CNNData: gzip files (the IDX files of MNIST and Fashion-MNIST) and the deflated entries of a
// .npz zip archive, through inflate with bounded output buffers.
#include <zlib.h>
