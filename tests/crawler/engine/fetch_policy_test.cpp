#include "crawler/engine/fetch_policy.hpp"

#include <gtest/gtest.h>

using namespace govaudit;
using namespace govaudit::fetch_policy;

namespace {
FetchResult answer(int status, std::string kind = "", std::string location = "") {
  // error kinds by name, as the store writes them
  FetchResult r;
  r.status = status;
  r.error_kind = error_kind_from(kind);
  r.location = std::move(location);
  return r;
}
}  // namespace

TEST(FetchPolicy, ChallengesAreScriptOnlyAnswersThatSetACookieAndReload) {
  std::string gate = "<html><script>document.cookie='a=1';location.reload();</script></html>";
  EXPECT_TRUE(is_challenge(412, gate));
  EXPECT_TRUE(is_challenge(200, gate));
  EXPECT_FALSE(is_challenge(404, gate));
  // A real page with a script is not a challenge, whatever its script does.
  std::string page = "<html><script>document.cookie='a=1';location.reload();</script><p>" + std::string(200, 'x') + "</p></html>";
  EXPECT_FALSE(is_challenge(200, page));
  EXPECT_FALSE(is_challenge(200, "<html><p>政务公开</p></html>"));
}

TEST(FetchPolicy, TransientAnswersAndRetryDelays) {
  EXPECT_TRUE(is_transient(answer(0, "timeout")));
  EXPECT_TRUE(is_transient(answer(0, "connect")));
  auto refused = answer(0, "connect");
  refused.connection_refused = true;
  EXPECT_TRUE(is_transient(refused));          // a site's own page: it answered before
  EXPECT_FALSE(is_transient(refused, false));  // another host's link: nothing listens there
  EXPECT_TRUE(is_transient(answer(0, "connect"), false));  // a connect that timed out or was unreachable
  EXPECT_TRUE(is_transient(answer(503)));
  EXPECT_TRUE(is_transient(answer(429)));
  EXPECT_FALSE(is_transient(answer(404)));
  EXPECT_FALSE(is_transient(answer(0, "dns")));
  EXPECT_FALSE(is_transient(answer(0, "tls")));
  EXPECT_EQ(retry_delay_ms(1, 500, 0), 500);
  EXPECT_EQ(retry_delay_ms(3, 500, 0), 2000);
  EXPECT_EQ(retry_delay_ms(1, 500, 7), 7000);      // Retry-After wins
  EXPECT_EQ(retry_delay_ms(1, 500, 3600), 120000);  // but at most two minutes
}

TEST(FetchPolicy, HeadRefusals) {
  for (int s : {405, 501, 403, 412}) EXPECT_TRUE(refuses_head(answer(s))) << s;
  EXPECT_FALSE(refuses_head(answer(404)));
  EXPECT_FALSE(refuses_head(answer(0, "timeout")));
}

TEST(FetchPolicy, OneRedirectRuleForEveryFetch) {
  EXPECT_TRUE(is_redirect(answer(301, "", "http://a/b")));
  EXPECT_FALSE(is_redirect(answer(301)));
  EXPECT_FALSE(is_redirect(answer(200, "", "http://a/b")));
  std::vector<Redirect> chain{{"http://a/1", 302}};
  EXPECT_EQ(next_redirect(chain, "http://a/2").next, "http://a/2");
  EXPECT_NE(next_redirect(chain, "http://a/1").error.find("loop"), std::string::npos);
  EXPECT_NE(next_redirect(chain, "mailto:x@y").error.find("unusable"), std::string::npos);
  for (int i = 2; i <= int(kMaxRedirects) + 1; ++i) chain.push_back({"http://a/" + std::to_string(i), 302});
  EXPECT_NE(next_redirect(chain, "http://a/next").error.find("more than"), std::string::npos);
}
