// The review console in a real browser (headless Chromium through puppeteer-core): open the runs,
// filter the findings, open a finding with its evidence, mark it 误报 with a reason.
//   node console_browser.mjs BASE_URL SCREENSHOT_DIR
// Prints one JSON line: {"id", "rule", "subject", "note"} of the finding marked. Exits non-zero
// with a message on any failed expectation.
import puppeteer from "puppeteer-core";
import fs from "node:fs";
import path from "node:path";

const [base, shots] = process.argv.slice(2);
fs.mkdirSync(shots, { recursive: true });
const fail = (why) => { console.error("console_browser: " + why); process.exit(1); };
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--lang=zh-CN"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const external = [];
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) external.push(r.url()); });

  await page.goto(base + "/", { waitUntil: "load" });
  const runLink = await page.$("a[href^='/runs/']");
  if (!runLink) fail("no run on the runs page");
  await Promise.all([page.waitForNavigation(), runLink.click()]);
  await page.screenshot({ path: path.join(shots, "console-overview.png"), fullPage: false });
  const sites = await page.$$eval("table tr", (rows) => rows.length);
  if (sites < 2) fail("the overview has no sites");

  // Filter by the first category: every row left is of it.
  const category = await page.$eval("select[name=category] option:nth-child(2)", (o) => o.value);
  await page.select("select[name=category]", category);
  await Promise.all([page.waitForNavigation(), page.click("form.filters button")]);
  const cats = await page.$$eval("#findings tr td.cat", (tds) => tds.map((t) => t.textContent));
  if (cats.length === 0 || cats.some((c) => c !== category)) fail(`filter by ${category} left ${JSON.stringify(cats)}`);

  // A finding whose page was captured: its evidence frame.
  await page.goto(page.url().split("?")[0], { waitUntil: "load" });
  const ids = await page.$$eval("#findings tr td.id a", (as) => as.map((a) => a.getAttribute("href")));
  let chosen = null;
  for (const href of ids) {
    await page.goto(base + href, { waitUntil: "load" });
    if (await page.$("iframe[sandbox]")) { chosen = href; break; }
  }
  if (!chosen) fail("no finding with captured evidence");
  await page.goto(base + chosen, { waitUntil: "networkidle0" });  // the evidence frame loaded too
  const frameHandle = await page.$("iframe[sandbox]");
  const frame = await frameHandle.contentFrame();
  await frame.waitForSelector("body");
  const captured = await frame.evaluate(() => document.body.innerText.length).catch(() => -1);
  const evidence = await fetch(base + "/evidence/" + chosen.split("/").pop());
  if (evidence.status !== 200) fail("evidence answered " + evidence.status);
  const csp = evidence.headers.get("content-security-policy") || "";
  if (!csp.includes("sandbox") || !csp.includes("default-src 'none'")) fail("evidence CSP is " + csp);
  await page.screenshot({ path: path.join(shots, "console-finding.png"), fullPage: true });

  // Mark it 误报 with a reason.
  const rule = await page.$eval("code", (c) => c.textContent);
  const subject = await page.$eval("table tr:nth-child(3) td", (td) => td.textContent);
  const note = "人工复核：页面在浏览器中显示正常，属误报";
  await page.click("input[name=status][value=false_positive]");
  await page.type("textarea[name=note]", note);
  await page.type("input[name=reviewer]", "测评员");
  await page.screenshot({ path: path.join(shots, "console-review.png"), fullPage: false, clip: { x: 0, y: 0, width: 1280, height: 900 } });
  await Promise.all([page.waitForNavigation(), page.click("#submit-review")]);
  const tag = await page.$eval("h1 .tag", (t) => t.textContent);
  if (tag !== "误报") fail("after review the finding shows " + tag);
  if (!(await page.content()).includes(note)) fail("the review's note is not in the finding's history");
  if (external.length) fail("the console asked for something outside it: " + external.join(", "));
  console.log(JSON.stringify({ id: Number(chosen.split("/").pop()), rule, subject, note, captured }));
} finally {
  await browser.close();
}
