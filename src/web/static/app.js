/* global navigator, window, document */
// The only client script (CSP: script-src 'self', no inline code). Everything works without it; it adds:
// the service worker (installable app), and showing only the fields a feedback status needs.
'use strict';
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => { navigator.serviceWorker.register('/sw.js').catch(() => {}); });
}
document.addEventListener('DOMContentLoaded', () => {
  for (const form of document.querySelectorAll('form[data-feedback]')) {
    const extra = form.querySelectorAll('[data-for]');
    const update = () => {
      const checked = form.querySelector('input[name="status"]:checked');
      const status = checked ? checked.value : '';
      for (const el of extra) el.hidden = !el.dataset.for.split(' ').includes(status);
    };
    form.addEventListener('change', update);
    update();
  }
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (e) => { if (!window.confirm(form.dataset.confirm)) e.preventDefault(); });
  }
});
