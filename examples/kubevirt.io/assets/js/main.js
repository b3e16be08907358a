// Theme toggle and navigation for kubevirt.io
(function () {
  var toggle = document.querySelector('.theme-toggle');
  var saved = localStorage.getItem('kv-theme');
  if (saved) { document.documentElement.dataset.theme = saved; }
  if (toggle) {
    toggle.addEventListener('click', function () {
      var next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
      document.documentElement.dataset.theme = next;
      localStorage.setItem('kv-theme', next);
    });
  }
})();
