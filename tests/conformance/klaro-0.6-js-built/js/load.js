// The site's own loader (as a Docusaurus plugin writes it): Klaro's configuration, then the
// held-back tags, created in JavaScript rather than written in the markup.
window.klaroConfig = {
  privacyPolicy: '/privacy/',
  apps: [
    {name: 'googleAnalytics', title: 'Google Analytics', purposes: ['analytics']},
    {name: 'hubspot', title: 'HubSpot', purposes: ['marketing']}
  ]
};

function heldBack(name, src) {
  var s = document.createElement('script');
  s.setAttribute('type', 'opt-in');
  s.setAttribute('data-type', 'text/javascript');  // Klaro 0.6 restores the type from data-type
  s.setAttribute('data-name', name);
  s.setAttribute('data-src', src);
  document.head.appendChild(s);
}

heldBack('googleAnalytics', 'https://www.googletagmanager.com/gtag/js?id=G-X');
heldBack('hubspot', 'https://js.hs-scripts.com/1.js');
