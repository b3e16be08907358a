document.cookie = "theme=dark; path=/";
