// first-party statistics
localStorage.setItem('last_seen', Date.now());
