// first-party script
localStorage.setItem('theme', 'dark');
var lang = document.cookie.split('; ').find(function (c) { return c.indexOf('lang=') === 0; });
