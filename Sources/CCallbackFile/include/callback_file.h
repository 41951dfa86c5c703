// CCallbackFile: a C stdio FILE whose reads and writes call back into Swift (glibc's fopencookie).
// CNNImage hands such a FILE to libpng's simplified API, so that the callbacks can see Ctrl-C while
// libpng decodes or encodes a large picture, and stop it there: a callback that fails makes libpng stop
// with an error, which its simplified API catches inside libpng (no longjmp crosses a Swift frame).
#ifndef CNN_CALLBACK_FILE_H
#define CNN_CALLBACK_FILE_H
#include <stdio.h>
#include <sys/types.h>

/// Fills `buffer` with up to `size` bytes: the count read, 0 at the end, -1 for an error.
typedef ssize_t (*cnn_read_callback)(void *context, char *buffer, size_t size);
/// Takes `size` bytes from `buffer`: the count taken (`size`), or 0 for an error.
typedef ssize_t (*cnn_write_callback)(void *context, const char *buffer, size_t size);

/// A FILE reading through `read` (mode "r") or writing through `write` (mode "w"), passing `context`
/// to each call; NULL if it could not be made. fclose it (it does not free `context`).
FILE *cnn_callback_file(void *context, const char *mode, cnn_read_callback read, cnn_write_callback write);

#endif
