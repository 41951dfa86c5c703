// libjpeg-turbo for CNNImage: reading and writing JPEG pictures through the TurboJPEG API (tjDecompress2,
// tjCompress2), which catches libjpeg's errors inside the library (its own setjmp/longjmp, in C frames only)
// and reports them as a return value of -1 and a message (tjGetErrorStr2), so no longjmp ever crosses a
// Swift frame. Debian: libturbojpeg0-dev.
#include <stddef.h>
#include <turbojpeg.h>
