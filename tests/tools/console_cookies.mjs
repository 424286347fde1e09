// Opens console pages in headless Chromium (puppeteer-core) and prints, as one JSON object, every
// cookie the browser then holds and every URL it tried to leave for: a crawled site's answer
// replayed as evidence must plant no cookie and navigate nowhere.
//   node console_cookies.mjs URL...
import puppeteer from "puppeteer-core";

const urls = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  const left = [];
  page.on("request", (r) => { if (!r.url().startsWith(new URL(urls[0]).origin) && !r.url().startsWith("data:")) left.push(r.url()); });
  for (const url of urls) {
    await page.goto(url, { waitUntil: "load" });
    await new Promise((done) => setTimeout(done, 1500));  // long enough for a Refresh: 0 to fire
  }
  const cdp = await page.target().createCDPSession();
  const { cookies } = await cdp.send("Network.getAllCookies");
  console.log(JSON.stringify({ cookies: cookies.map((c) => ({ name: c.name, domain: c.domain })), left }));
} finally {
  await browser.close();
}
