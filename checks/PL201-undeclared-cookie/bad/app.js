// first-party script
Cookies.set('lang', navigator.language);
localStorage.setItem('theme', 'dark');
