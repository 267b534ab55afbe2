/**
 * The `_type` a global-context column holds: Objectiv's rule, `x_y` → `XYContext`
 * (`application` → `ApplicationContext`, `cookie_id` → `CookieIdContext`).
 */
export function globalContextType(name: string): string {
  return `${name
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('')}Context`
}
