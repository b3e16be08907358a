// Consent banner configuration for kubevirt.io (orestbida/cookieconsent v3).
// Scripts marked type="text/plain" data-category="analytics" run only after consent.
CookieConsent.run({
  categories: {
    necessary: { enabled: true, readOnly: true },
    analytics: {}
  },
  language: {
    default: 'en',
    translations: {
      en: {
        consentModal: {
          title: 'Cookies on kubevirt.io',
          description: 'We use Google Analytics to understand how the site is used. See our <a href="/privacy/">Privacy Statement</a>.',
          acceptAllBtn: 'Accept',
          acceptNecessaryBtn: 'Reject'
        }
      }
    }
  }
});
