/**
 * The location context types of Objectiv's taxonomy (current and earlier versions): almost every
 * stack holds only these, so engines may name them from this list instead of with a regular
 * expression per element.
 */
export const OBJECTIV_LOCATION_TYPES = [
  'RootLocationContext',
  'NavigationContext',
  'LinkContext',
  'OverlayContext',
  'ContentContext',
  'ExpandableContext',
  'PressableContext',
  'InputContext',
  'MediaPlayerContext',
  'WebDocumentContext',
  'SectionContext',
  'ScreenContext',
  'ButtonContext',
  'ItemContext',
  'ExpandableSectionContext',
] as const

/** 'WebDocumentContext' → 'Web Document': a space between a lower- and an upper-case letter, no ' Context' at the end. */
export function contextTypeLabel(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/ Context$/, '')
}
