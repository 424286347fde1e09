// govaudit-reader: reads attachments for govaudit on fd 3 (crawler/attachment.hpp).
#include <unistd.h>

#include "crawler/attachment/attachment.hpp"

int main() {
  close_range(4, ~0U, 0);  // only its own socket stays open: nothing of the parent's outlives it here
  govaudit::attachment::serve_reads(3);
}
