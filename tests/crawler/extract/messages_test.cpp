// Citizen messages as boxes' lists and messages' own pages show them.
#include <gtest/gtest.h>

#include "crawler/extract/extract.hpp"
#include "model/message_words.hpp"

namespace govaudit {
namespace {

extract::Page parse(const std::string& body) {
  return extract::parse("<html><body>" + body + "</body></html>", "http://www.x.gov.cn/hdjl/index.html");
}

TEST(Messages, ATableWhoseHeaderNamesTheFields) {
  auto p = parse(
      "<table><tr><th>序号</th><th>信件标题</th><th>来信时间</th><th>答复单位</th><th>处理状态</th><th>答复时间</th></tr>"
      "<tr><td>1</td><td><a href=\"a.html\" title=\"关于城南小区停车难的问题及建议\">关于城南小区停车难…</a></td>"
      "<td>2025/3/2</td><td>县住建局</td><td>已办结</td><td>2025年3月9日</td></tr>"
      "<tr><td>2</td><td><a href=\"b.html\">咨询社保</a></td><td>2025-06-12 10:21</td><td></td><td>办理中</td><td></td></tr>"
      "</table>");
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].href, "a.html");
  EXPECT_EQ(p.messages[0].title, "关于城南小区停车难的问题及建议");
  EXPECT_EQ(p.messages[0].left, Date(2025, 3, 2));
  EXPECT_EQ(p.messages[0].replied, Date(2025, 3, 9));
  EXPECT_EQ(p.messages[0].status, "已办结");
  EXPECT_EQ(p.messages[0].unit, "县住建局");
  EXPECT_EQ(p.messages[1].left, Date(2025, 6, 12));
  EXPECT_FALSE(p.messages[1].replied);
  EXPECT_FALSE(p.message);  // a list is not one message
}

TEST(Messages, EntriesWithStatusWords) {
  auto p = parse("<ul><li><a href=\"1.html\">反映道路破损</a><span>[已回复]</span><span>2025-05-06</span></li>"
                 "<li><a href=\"2.html\">咨询低保</a><span>待回复</span><span>2025-04-01</span></li></ul>");
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[0].status, "已回复");
  EXPECT_EQ(p.messages[1].status, "待回复");
  EXPECT_EQ(p.messages[1].left, Date(2025, 4, 1));
  // One entry with a status word among news is not a message list; a news table is not one either.
  EXPECT_TRUE(parse("<ul><li><a href=\"n.html\">已办结事项公示</a><span>2025-05-06</span></li></ul>").messages.empty());
  EXPECT_TRUE(parse("<table><tr><th>标题</th><th>发布时间</th></tr><tr><td><a href=\"x\">t</a></td><td>2025-01-01</td></tr></table>")
                  .messages.empty());
}

TEST(Messages, OneMessageInLabelledFields) {
  auto p = parse("<h2>反映道路问题</h2><table><tr><th>留言标题</th><td>反映道路问题</td></tr><tr><th>留言时间</th>"
                 "<td>2025-03-02 10:00</td></tr><tr><th>办理状态</th><td>已办结</td></tr><tr><th>答复单位</th><td>县交通局</td></tr>"
                 "<tr><th>答复时间</th><td>2025年3月9日</td></tr><tr><th>答复内容</th><td>您好，已修复。感谢您的监督。</td></tr></table>");
  ASSERT_TRUE(p.message);
  EXPECT_EQ(p.message->left, Date(2025, 3, 2));
  EXPECT_EQ(p.message->replied, Date(2025, 3, 9));
  EXPECT_EQ(p.message->status, "已办结");
  EXPECT_EQ(p.message->unit, "县交通局");
  EXPECT_EQ(p.message->title, "反映道路问题");
  EXPECT_TRUE(p.message->reply_text);

  auto open = parse("<div>来信时间：2025-07-01</div><div>处理状态：办理中</div><div>回复内容：</div><div>暂无</div>");
  ASSERT_TRUE(open.message);
  EXPECT_EQ(open.message->status, "办理中");
  EXPECT_FALSE(open.message->replied);
  EXPECT_FALSE(open.message->reply_text);
  // A news article that mentions a time is not a message.
  EXPECT_FALSE(parse("<p>发布时间：2025-07-01</p><p>正文。</p>").message);
}

// Only the citizen's fields are read for a leaked mobile number: not a masked one, not a work-order
// number, not the department's reply, not the site's footer.
TEST(Messages, TheCitizensMobileNumberInTheirOwnFields) {
  auto p = parse(
      "<h2>关于小区停车难的问题</h2><table><tr><th>留言人</th><td>王**</td></tr><tr><th>留言时间</th><td>2025-03-02 10:12</td></tr>"
      "<tr><th>办理状态</th><td>已回复</td></tr><tr><th>留言内容</th><td>小区停车难，望尽快解决。<p>联系电话：13956781234（工单编号："
      "12240000001），备用 139****1000。</p></td></tr><tr><th>答复单位</th><td>县住建局</td></tr><tr><th>答复时间</th><td>2025-03-05"
      "</td></tr><tr><th>答复内容</th><td>已处理。如有疑问请拨打 13800551234。</td></tr></table>"
      "<div class=\"foot\">地址：城关镇 联系电话：0556-5000006 手机：13700001111</div>");
  ASSERT_TRUE(p.message);
  EXPECT_EQ(p.message->phones, std::vector<std::string>{"13956781234"});
  auto contact = parse("<table><tr><th>来信人</th><td>李**</td></tr><tr><th>联系方式</th><td>15155551234</td></tr>"
                       "<tr><th>来信时间</th><td>2025-04-01</td></tr><tr><th>处理状态</th><td>办理中</td></tr></table>");
  ASSERT_TRUE(contact.message);
  EXPECT_EQ(contact.message->phones, std::vector<std::string>{"15155551234"});
}

TEST(Messages, StatusWords) {
  for (const char* s : {"已回复", "已答复", "已办结", "[已处理]"}) EXPECT_TRUE(answered_status(s)) << s;
  for (const char* s : {"未回复", "待回复", "办理中", "未办结", "已受理", "", "其他"}) EXPECT_FALSE(answered_status(s)) << s;
}

TEST(Accessibility, StaticCounts) {
  auto p = extract::parse("<html lang=\"zh-CN\"><body><img src=\"a.png\" alt=\"县政府\"><img src=\"b.png\"><img src=\"c.png\" alt=\"\">"
                          "<form><label for=\"q\">搜索</label><input id=\"q\" name=\"q\"><input name=\"x\">"
                          "<input type=\"hidden\" name=\"h\"><input name=\"t\" title=\"关键词\"><label>姓名<input name=\"n\"></label>"
                          "<input type=\"submit\"></form><a href=\"/wza/\">无障碍浏览</a></body></html>",
                          "http://www.x.gov.cn/");
  EXPECT_TRUE(p.a11y.lang);
  EXPECT_EQ(p.a11y.images, 3);
  EXPECT_EQ(p.a11y.images_without_alt, 1);  // alt="" marks a decorative image
  EXPECT_EQ(p.a11y.fields, 4);
  EXPECT_EQ(p.a11y.fields_unlabeled, 1);
  EXPECT_TRUE(p.a11y.entry);
  auto script = extract::parse("<html><head><script src=\"//cdn.x.cn/wza/aria.js?appid=1\"></script></head><body>x</body></html>", "http://w/");
  EXPECT_TRUE(script.a11y.entry);
  EXPECT_FALSE(script.a11y.lang);
  EXPECT_FALSE(extract::parse("<html><body>首页</body></html>", "http://w/").a11y.entry);
}

}  // namespace
}  // namespace govaudit

namespace govaudit {
namespace {

TEST(SearchForms, TheFormsCountySitesUse) {
  auto forms = [](const std::string& body) {
    return extract::parse("<html><body>" + body + "</body></html>", "http://www.x.gov.cn/").search_forms;
  };
  // TRS 检索: GET with hidden fields.
  auto trs = forms("<form action=\"http://www.x.gov.cn/jrobot/search.do\" method=\"get\"><input type=\"hidden\" name=\"webid\" "
                   "value=\"7\"><input type=\"text\" name=\"q\" placeholder=\"请输入关键字\"><input type=\"submit\" value=\"检索\"></form>");
  ASSERT_EQ(trs.size(), 1u);
  EXPECT_EQ(trs[0].action, "http://www.x.gov.cn/jrobot/search.do");
  EXPECT_EQ(trs[0].field, "q");
  EXPECT_FALSE(trs[0].post);
  EXPECT_FALSE(trs[0].script_only);
  ASSERT_EQ(trs[0].hidden.size(), 1u);
  EXPECT_EQ(trs[0].hidden[0], (std::pair<std::string, std::string>{"webid", "7"}));
  auto post = forms("<form action=\"/search\" method=\"POST\"><input name=\"keyword\"></form>");
  ASSERT_EQ(post.size(), 1u);
  EXPECT_TRUE(post[0].post);
  auto script = forms("<form action=\"javascript:void(0)\" onsubmit=\"return go()\"><input id=\"kw\"><button>搜索</button></form>");
  ASSERT_EQ(script.size(), 1u);
  EXPECT_TRUE(script[0].script_only);
  // A login or a message form is not a search.
  EXPECT_TRUE(forms("<form action=\"/login\"><input name=\"user\"><input type=\"password\" name=\"pw\"></form>").empty());
  EXPECT_TRUE(forms("<form action=\"/hdjl/submit\"><input name=\"title\"><textarea name=\"content\"></textarea></form>").empty());
}

}  // namespace
}  // namespace govaudit

namespace govaudit {
namespace {

TEST(Messages, AHanwebDatastoreList) {
  auto p = extract::parse(
      "<html><body><div id=\"1\"><script type=\"text/xml\"><datastore><recordset>"
      "<record><![CDATA[<li><a href=\"/art/2025/3/2/art_1_1.html\">反映道路破损</a><span>已回复</span><span>2025-03-02</span></li>]]></record>"
      "<record><![CDATA[<li><a href=\"/art/2025/6/1/art_1_2.html\">咨询低保</a><span>办理中</span><span>2025-06-01</span></li>]]></record>"
      "</recordset></datastore></script></div></body></html>",
      "http://www.x.gov.cn/col/col1/index.html");
  ASSERT_EQ(p.messages.size(), 2u);
  EXPECT_EQ(p.messages[1].status, "办理中");
  EXPECT_FALSE(p.message);
}

}  // namespace
}  // namespace govaudit
