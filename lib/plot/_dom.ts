/**
 * Private: the small part of the DOM that figures use. Deno's default type libraries have
 * no DOM, and linkedom provides one at run time; these structural types describe it.
 *
 * @module
 */

/** A DOM node that figures create or receive from Plot. */
export interface DomElement {
  readonly tagName: string;
  readonly outerHTML: string;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  removeAttribute(name: string): void;
  appendChild<T>(child: T): T;
  querySelectorAll(selectors: string): ArrayLike<{ remove(): void }>;
}

/** The document passed to figure builders (and to Plot's `document` option). */
export interface DomDocument {
  createElementNS(namespace: string, tag: string): DomElement;
  createTextNode(text: string): unknown;
}
