// The attachment reader is where the build put it, not beside the test programs: they name it to
// the crawler (GOVAUDIT_READER) before any test runs, unless whoever runs them already did.
#include <cstdlib>

namespace {
const int kReaderNamed = ::setenv("GOVAUDIT_READER", GOVAUDIT_READER_BIN, 0);
}  // namespace
