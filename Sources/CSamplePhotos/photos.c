// The sample photographs' JPEG bytes, embedded at compile time with C23's #embed (clang 19 and newer), so
// the photos live in the repository as ordinary .jpg files and cnnrepl needs no files at run time.
#include <string.h>
#include "CSamplePhotos.h"

#pragma clang diagnostic ignored "-Wc23-extensions"

static const unsigned char camera[] = {
#embed "photos/camera.jpg"
};
static const unsigned char astronaut[] = {
#embed "photos/astronaut.jpg"
};
static const unsigned char cat[] = {
#embed "photos/cat.jpg"
};
static const unsigned char coffee[] = {
#embed "photos/coffee.jpg"
};

static const struct {
    const char *name;
    const unsigned char *bytes;
    unsigned long count;
} photos[] = {
    {"camera", camera, sizeof camera},
    {"astronaut", astronaut, sizeof astronaut},
    {"cat", cat, sizeof cat},
    {"coffee", coffee, sizeof coffee},
};

const unsigned char *cnn_sample_photo(const char *name, unsigned long *count) {
    for (unsigned long i = 0; i < sizeof photos / sizeof photos[0]; i++) {
        if (strcmp(photos[i].name, name) == 0) {
            *count = photos[i].count;
            return photos[i].bytes;
        }
    }
    *count = 0;
    return NULL;
}
