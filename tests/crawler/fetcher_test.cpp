// What the fetcher makes of libcurl's multi-interface return codes.
#include "crawler/fetcher.hpp"

#include <gtest/gtest.h>

using namespace govaudit;

TEST(Fetcher, MultiErrorsNameTheCallAndTheCause) {
  EXPECT_FALSE(multi_error(CURLM_OK, "curl_multi_socket_action"));
  auto e = multi_error(CURLM_OUT_OF_MEMORY, "curl_multi_socket_action");
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("curl_multi_socket_action"), std::string::npos) << *e;
  EXPECT_NE(e->find(curl_multi_strerror(CURLM_OUT_OF_MEMORY)), std::string::npos) << *e;
  EXPECT_TRUE(multi_error(CURLM_BAD_EASY_HANDLE, "curl_multi_add_handle"));
}
