/**
 * The work the offline assistant knows how to list: a topic is recognised by keywords in what the
 * homeowner wrote, and brings its tasks in the order they are usually done.
 */
export interface WorkTopic {
  name: string;
  keywords: RegExp;
  tasks: readonly string[];
}

export const WORK_CATALOG: readonly WorkTopic[] = [
  {
    name: 'Kitchen',
    keywords: /\bkitchens?\b/,
    tasks: [
      'Decide the layout and what stays (moving the sink or hob costs the most)',
      'Disconnect the appliances and clear the room',
      'Adjust plumbing and wiring before anything is closed in',
      'Install the cabinets, then the countertops, then the backsplash',
      'Connect the appliances and do a final clean',
    ],
  },
  {
    name: 'Kitchen cabinets',
    keywords: /\b(cabinets?|cupboards?)\b/,
    tasks: [
      'Remove the old cabinets and protect the floor',
      'Measure the walls and draw the layout',
      'Order the cabinets (lead times are often 4 to 8 weeks)',
      'Install and level the base cabinets, then the wall cabinets',
      'Fit the doors and handles and adjust the hinges',
    ],
  },
  {
    name: 'Countertops',
    keywords: /\b(counter ?tops?|worktops?|counters?)\b/,
    tasks: [
      'Template the countertops once the cabinets are in',
      'Fabricate them (stone usually takes 1 to 2 weeks)',
      'Install, cut out the sink and hob, and seal stone surfaces',
    ],
  },
  {
    name: 'Appliances',
    keywords: /\b(appliances?|oven|fridge|refrigerator|dishwasher|hob|cooktop)\b/,
    tasks: [
      'Choose the appliances and check their dimensions against the layout',
      'Order them for delivery after the cabinets are installed',
      'Connect them (gas only by a licensed fitter)',
    ],
  },
  {
    name: 'Bathroom',
    keywords: /\b(bath(room)?s?|shower|toilet|vanity)\b/,
    tasks: [
      'Shut off the water and strip the old fixtures and tiles',
      'Renew pipes and drains where needed (licensed plumber)',
      'Waterproof the wet areas and let the membrane cure',
      'Tile the floor and walls',
      'Install the toilet, vanity and shower, then seal and test for leaks',
    ],
  },
  {
    name: 'Flooring',
    keywords: /\b(floors?|flooring|laminate|hardwood|parquet|carpet|vinyl)\b/,
    tasks: [
      'Remove the old floor covering',
      'Level and dry the subfloor',
      'Let the new flooring acclimatise for 48 hours',
      'Lay the underlay and the flooring',
      'Fit skirting boards and transition strips',
    ],
  },
  {
    name: 'Tiling',
    keywords: /\b(tiles?|tiling|backsplash|splashback)\b/,
    tasks: [
      'Prepare and prime the surface',
      'Set out the tile layout from the centre line',
      'Lay the tiles, then grout and seal',
    ],
  },
  {
    name: 'Painting',
    keywords: /\b(paint|painting|repaint|walls?|ceilings?)\b/,
    tasks: [
      'Move or cover furniture and mask the edges',
      'Fill cracks and sand the surfaces',
      'Prime, then apply two coats',
      'Touch up and clean',
    ],
  },
  {
    name: 'Electrical and lighting',
    keywords: /\b(electric(al)?|wiring|outlets?|sockets?|lighting|lights?)\b/,
    tasks: [
      'Plan the outlets, switches and lights',
      'Rough-in the wiring (licensed electrician), before walls are closed',
      'Have it inspected where required',
      'Fit the fixtures and test every circuit',
    ],
  },
  {
    name: 'Windows and doors',
    keywords: /\b(windows?|doors?)\b/,
    tasks: [
      'Measure the openings',
      'Order the units (check the lead time)',
      'Remove the old units, install and seal the new ones',
      'Finish the trim and paint',
    ],
  },
];

/** The topics mentioned in `text`, in catalog order. */
export function topicsMentioned(text: string): WorkTopic[] {
  const lower = text.toLowerCase();
  return WORK_CATALOG.filter((topic) => topic.keywords.test(lower));
}
