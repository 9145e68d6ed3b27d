// Opens one request's trace in the Aspire dashboard with headless Chromium (playwright-core driving Debian's
// chromium), selects its SQL span so the span's attributes show, and saves a PNG. Called by screenshot-trace.sh:
//   node scripts/screenshot-trace.mjs <trace detail URL> <output.png>
import { chromium } from 'playwright-core';

const [url, output] = process.argv.slice(2);
if (!url || !output) {
    console.error('usage: node screenshot-trace.mjs <trace detail URL> <output.png>');
    process.exit(2);
}

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    // Root in a container has no user namespace for Chromium's sandbox; the page is our own local dashboard.
    args: ['--no-sandbox'],
});
try {
    const page = await browser.newPage({ viewport: { width: 1760, height: 720 }, colorScheme: 'light' });
    await page.goto(url, { waitUntil: 'networkidle' });

    // The dashboard renders the spans after load (Blazor over a WebSocket): wait for the grid's span rows.
    const rows = page.locator('tr.fluent-data-grid-row[aria-rowindex]:not([aria-rowindex="1"])');
    await rows.first().waitFor();

    // The banner about anonymous access is true but not the subject of the picture.
    const dismiss = page.locator('.dashboard-message-bar-dismiss');
    if (await dismiss.count() > 0) {
        await dismiss.first().click();
    }

    // The SQL span is the deepest, the last row: select it, then wait until its attributes show.
    await rows.last().locator('td').first().click();
    await page.getByText('db.query.text', { exact: true }).first().waitFor();

    // The spans pane wider than the dashboard makes it, so that span names are not cut: drag the splitter right.
    const bar = await page.locator('.fluent-multi-splitter-bar').last().boundingBox();
    if (bar) {
        await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
        await page.mouse.down();
        await page.mouse.move(bar.x + bar.width / 2 + 100, bar.y + bar.height / 2, { steps: 10 });
        await page.mouse.up();
    }

    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: output });
} finally {
    await browser.close();
}
