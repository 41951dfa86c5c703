// glibc's malloc tuning (mallopt) for CNNCore's MemoryReuse: large tensors reuse freed memory.
#include <malloc.h>
