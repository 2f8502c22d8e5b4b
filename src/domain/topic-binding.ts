/**
 * Whether a topic exchange routes `routingKey` to a queue bound with `pattern`: words split at dots,
 * `*` stands for one word, `#` for none or more (RabbitMQ's topic matching).
 */
export function matchesBinding(pattern: string, routingKey: string): boolean {
  const want = pattern.split('.');
  const words = routingKey.split('.');
  const from = (i: number, j: number): boolean => {
    if (i === want.length) return j === words.length;
    if (want[i] === '#') return from(i + 1, j) || (j < words.length && from(i, j + 1));
    return j < words.length && (want[i] === '*' || want[i] === words[j]) && from(i + 1, j + 1);
  };
  return from(0, 0);
}
