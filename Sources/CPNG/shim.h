// libpng for CNNImage: reading and writing PNG pictures through libpng's simplified API
// (png_image_*), which reports errors in the png_image struct instead of longjmp-ing across Swift frames.
#include <png.h>
