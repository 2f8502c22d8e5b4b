// The email preview's frame: a sandboxed document of its own (opaque origin, no access to the
// console or its key) whose policy lets a rendered email's inline styles apply but runs none of
// its scripts. The console posts the HTML; it is parsed inertly and shown; links do not navigate.
addEventListener('message', (event) => {
  if (event.source !== parent || typeof event.data !== 'string') return;
  const parsed = new DOMParser().parseFromString(event.data, 'text/html');
  document.documentElement.replaceWith(document.adoptNode(parsed.documentElement));
});
addEventListener('click', (event) => event.preventDefault(), true);
