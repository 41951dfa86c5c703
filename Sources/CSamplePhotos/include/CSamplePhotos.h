// The sample photographs built into cnnrepl (photos/*.jpg, copied by tools/samples/copy_photos.py from
// scikit-image's data folder; public domain or CC0, credited in lessons/README.md), as JPEG bytes.
#ifndef CSAMPLEPHOTOS_H
#define CSAMPLEPHOTOS_H

/// The JPEG bytes of the sample photograph `name` ("camera", "astronaut", "cat", "coffee"), their number in
/// `*count`; NULL (and 0) for any other name.
const unsigned char *cnn_sample_photo(const char *name, unsigned long *count);

#endif
