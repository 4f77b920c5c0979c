/** The console's own stylesheet and script, served by the collector (no CDN, nothing inline: the CSP allows only 'self'). */
export const CSS = `
body{font-family:system-ui,sans-serif;margin:0;color:#1d1d1d;background:#fafafa}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.5rem 1.5rem;background:#23364d;color:#fff;flex-wrap:wrap}
header a{color:#fff}nav a{margin-right:1rem;text-decoration:none}nav a.active{font-weight:bold;text-decoration:underline}
.who a{color:#fff}main{padding:0 1.5rem 1.5rem}footer{padding:0 1.5rem 1rem;color:#666;font-size:.85rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.88rem;background:#fff}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#eef1f4}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.estimated{background:#fff4cc;font-style:italic}td.bad{background:#ffd7d7}td.warn{background:#fff0c0}td.nodata{background:#eee;font-style:italic}
.st{display:inline-block;padding:0 .4rem;border-radius:.6rem;border:1px solid;white-space:nowrap;font-weight:600}
.st-ok{color:#145a1e;background:#e2f4e4;border-color:#7bbf84}
.st-unknown{color:#444;background:#eee;border-color:#aaa}
.st-warning{color:#6b4a00;background:#fff1c2;border-color:#e0b23a}
.st-error{color:#8a1111;background:#ffe0e0;border-color:#e07a7a}
.empty{color:#666}form{margin:.5rem 0}form.inline{display:inline;margin:0}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;background:#fff;padding:.5rem;border:1px solid #ddd}
form.filters label{display:flex;flex-direction:column;font-size:.85rem}
label{margin-right:.5rem}input,select,button{font:inherit}
button.danger{color:#8a1111}
.level{display:inline-block;width:6rem;height:.8rem;border:1px solid #888;vertical-align:middle;background:#fff}
.level>span{display:block;height:100%;background:#555}
.level>.w0{width:0%}.level>.w5{width:5%}.level>.w10{width:10%}.level>.w15{width:15%}.level>.w20{width:20%}.level>.w25{width:25%}.level>.w30{width:30%}.level>.w35{width:35%}.level>.w40{width:40%}.level>.w45{width:45%}.level>.w50{width:50%}.level>.w55{width:55%}.level>.w60{width:60%}.level>.w65{width:65%}.level>.w70{width:70%}.level>.w75{width:75%}.level>.w80{width:80%}.level>.w85{width:85%}.level>.w90{width:90%}.level>.w95{width:95%}.level>.w100{width:100%}
dl.ident{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;background:#fff;padding:.5rem;border:1px solid #ddd;max-width:50rem}
dl.ident dt{font-weight:600}dl.ident dd{margin:0}
figure{margin:.5rem 0 1.5rem;background:#fff;border:1px solid #ddd;padding:.5rem;max-width:62rem}
figure svg{width:100%;height:auto}figcaption{font-size:.85rem;color:#444}
.notice{background:#fff4cc;border:1px solid #e0b23a;padding:.5rem}.error{background:#ffe0e0;border:1px solid #e07a7a;padding:.5rem}
pre.secret{background:#fff;border:1px dashed #888;padding:.5rem;user-select:all}
.pager a{margin-right:1rem}
`;

/** Sends the browser's time zone with the login form, and asks before destructive buttons. */
export const JS = `
document.addEventListener('DOMContentLoaded', function () {
  var tz = document.querySelector('input[name=tz]');
  if (tz) { try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* UTC then */ } }
  document.querySelectorAll('button[data-confirm]').forEach(function (b) {
    b.addEventListener('click', function (ev) { if (!window.confirm(b.getAttribute('data-confirm'))) ev.preventDefault(); });
  });
});
`;
