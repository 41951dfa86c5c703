// HDF5 for CNNKeras: the weights of a Keras 3 .keras file (its model.weights.h5 entry), read from and written to
// memory (the core file driver, no backing file). HDF5's constants are macros over globals that Swift cannot
// import, so the few calls the reader and writer make are small functions here. Every function returns a
// negative number on failure; the library's own error printing is switched off by cnn_h5_quiet().
#include <hdf5.h>
#include <string.h>

/// Stops HDF5 printing its error stack to stderr (the reader turns failures into its own messages).
static inline void cnn_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/// Opens an HDF5 file image held in memory, read-only; the image is copied by the library.
static inline hid_t cnn_h5_open_image(const void *bytes, size_t count) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    if (H5Pset_fapl_core(fapl, 65536, 0) < 0 || H5Pset_file_image(fapl, (void *)bytes, count) < 0) {
        H5Pclose(fapl);
        return -1;
    }
    hid_t file = H5Fopen("model.weights.h5", H5F_ACC_RDONLY, fapl);
    H5Pclose(fapl);
    return file;
}

/// Creates an empty HDF5 file in memory, for writing; its bytes come from cnn_h5_image.
static inline hid_t cnn_h5_create_image(void) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    if (H5Pset_fapl_core(fapl, 65536, 0) < 0) { H5Pclose(fapl); return -1; }
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (fcpl >= 0) H5Pset_obj_track_times(fcpl, 0);
    hid_t file = H5Fcreate("model.weights.h5", H5F_ACC_TRUNC, fcpl >= 0 ? fcpl : H5P_DEFAULT, fapl);
    if (fcpl >= 0) H5Pclose(fcpl);
    H5Pclose(fapl);
    return file;
}

/// The size of a file's image (call with NULL, 0), or copies it into `buffer`.
static inline ssize_t cnn_h5_image(hid_t file, void *buffer, size_t count) {
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) return -1;
    return H5Fget_file_image(file, buffer, count);
}

/// Whether `path` ("layers/conv2d/vars/0") names an object, checked link by link (H5Lexists needs every
/// group on the way to exist). 1 yes, 0 no, negative on error. `path` is modified and restored.
static inline int cnn_h5_exists(hid_t file, char *path) {
    for (char *p = path; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            htri_t found = H5Lexists(file, path, H5P_DEFAULT);
            *p = saved;
            if (found <= 0) return (int)found;
            if (saved == '\0') return 1;
        }
    }
}

/// Opens a dataset (negative when `path` is not one).
static inline hid_t cnn_h5_open_dataset(hid_t file, const char *path) { return H5Dopen2(file, path, H5P_DEFAULT); }

/// A dataset's stored type: 1 for IEEE floating point, 0 for anything else, with its size in bytes.
static inline int cnn_h5_dataset_is_float(hid_t dataset, size_t *bytes) {
    hid_t type = H5Dget_type(dataset);
    if (type < 0) return -1;
    H5T_class_t kind = H5Tget_class(type);
    *bytes = H5Tget_size(type);
    H5Tclose(type);
    return kind == H5T_FLOAT ? 1 : 0;
}

/// A dataset's rank and its first `capacity` dimensions (the rank may be larger than `capacity`).
static inline int cnn_h5_dataset_shape(hid_t dataset, unsigned long long *dims, int capacity) {
    hid_t space = H5Dget_space(dataset);
    if (space < 0) return -1;
    if (H5Sget_simple_extent_type(space) != H5S_SIMPLE && H5Sget_simple_extent_type(space) != H5S_SCALAR) {
        H5Sclose(space);
        return -1;
    }
    int rank = H5Sget_simple_extent_ndims(space);
    if (rank >= 0 && rank <= capacity) {
        hsize_t found[32];
        if (rank > 32 || H5Sget_simple_extent_dims(space, found, NULL) < 0) rank = -1;
        else for (int i = 0; i < rank; i++) dims[i] = (unsigned long long)found[i];
    }
    H5Sclose(space);
    return rank;
}

/// Reads a whole dataset converted to doubles; `values` holds exactly as many as the dataset has.
static inline int cnn_h5_read_doubles(hid_t dataset, double *values) {
    return H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0 ? -1 : 0;
}

/// Creates group `path` (its parents must exist), without a modification time (the same model gives the
/// same bytes).
static inline hid_t cnn_h5_create_group(hid_t file, const char *path) {
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0) return -1;
    H5Pset_obj_track_times(gcpl, 0);
    hid_t group = H5Gcreate2(file, path, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return group;
}

/// Writes doubles as a float32 (little-endian IEEE) dataset of the given shape at `path`.
static inline int cnn_h5_write_float32(hid_t file, const char *path, const unsigned long long *dims, int rank,
                                       const double *values) {
    hsize_t shape[32];
    if (rank < 0 || rank > 32) return -1;
    for (int i = 0; i < rank; i++) shape[i] = (hsize_t)dims[i];
    hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, shape, NULL);
    if (space < 0) return -1;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0) { H5Sclose(space); return -1; }
    H5Pset_obj_track_times(dcpl, 0);
    hid_t dataset = H5Dcreate2(file, path, H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    int result = -1;
    if (dataset >= 0) {
        result = H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0 ? -1 : 0;
        H5Dclose(dataset);
    }
    H5Sclose(space);
    return result;
}

/// Writes a variable-length UTF-8 string attribute (as h5py writes Keras' `name` attributes).
static inline int cnn_h5_write_string_attribute(hid_t object, const char *name, const char *value) {
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0) return -1;
    H5Tset_size(type, H5T_VARIABLE);
    H5Tset_cset(type, H5T_CSET_UTF8);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attribute = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    int result = -1;
    if (attribute >= 0) {
        result = H5Awrite(attribute, type, &value) < 0 ? -1 : 0;
        H5Aclose(attribute);
    }
    H5Sclose(space);
    H5Tclose(type);
    return result;
}

static inline void cnn_h5_close_dataset(hid_t dataset) { H5Dclose(dataset); }
static inline void cnn_h5_close_group(hid_t group) { H5Gclose(group); }
static inline void cnn_h5_close_file(hid_t file) { H5Fclose(file); }
