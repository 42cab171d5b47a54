window.addEventListener('load', () => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1)
    out.push('sidan är bredare än fönstret: ' + document.documentElement.scrollWidth + ' > ' + vw);
  const inScroll = (el) => el.closest('.table-scroll') !== null;
  for (const el of document.querySelectorAll('main *')) {
    if (inScroll(el) || el.closest('svg')) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 1)
      out.push('utanför fönstret: <' + el.tagName.toLowerCase() + ' class="' + el.className + '"> ' + (el.textContent || '').slice(0, 60));
  }
  for (const box of document.querySelectorAll('.table-scroll')) {
    const b = box.getBoundingClientRect();
    for (const el of box.querySelectorAll('caption, .table-title, .sign-note')) {
      const r = el.getBoundingClientRect();
      if (r.right > b.right + 1) out.push('rubrik eller teckenförklaring skärs av: ' + el.textContent.slice(0, 60));
    }
  }
  const once = /^(\d{4}-\d{2}(-\d{2})?|[+−-]?[\d\u00a0\u202f ]+(,\d+)?( ?%)?)$/;
  for (const td of document.querySelectorAll('td, th')) {
    const t = td.textContent.trim();
    if (!once.test(t)) continue;
    const range = document.createRange();
    range.selectNodeContents(td);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (tops.size > 1) out.push('radbryts: ' + t);
  }
  const pre = document.createElement('pre');
  pre.id = 'layout-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
