// The newsletter form: sends the address only when the visitor subscribes.
var form = document.getElementById('newsletter');
form.addEventListener('submit', function (event) {
  event.preventDefault();
  navigator.sendBeacon('/api/subscribe', JSON.stringify({email: form.email.value}));
});
