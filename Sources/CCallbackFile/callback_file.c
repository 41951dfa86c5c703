// CCallbackFile: see include/callback_file.h. glibc's fopencookie needs _GNU_SOURCE, which Swift's
// Glibc module does not define, hence this one small C file.
#define _GNU_SOURCE
#include <stdio.h>
#include "callback_file.h"

FILE *cnn_callback_file(void *context, const char *mode, cnn_read_callback read, cnn_write_callback write) {
    cookie_io_functions_t io = {
        .read = (cookie_read_function_t *)read,
        .write = (cookie_write_function_t *)write,
        .seek = NULL,
        .close = NULL,
    };
    return fopencookie(context, mode, io);
}
