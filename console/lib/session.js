// The API key lives in sessionStorage only (this tab, gone when it closes); never in a URL.
const KEY = 'notification-console.api-key';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};
