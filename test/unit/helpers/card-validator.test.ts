import { validateCard } from '../../helpers/card-validator';

const card = (body: unknown[], actions: unknown[] = []) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body,
  actions,
});

describe('validateCard', () => {
  it('accepts a valid 1.5 card with Action.Execute and a Submit fallback', () => {
    expect(
      validateCard(
        card(
          [{ type: 'TextBlock', text: 'hi' }, { type: 'Input.Text', id: 'a' }],
          [{ type: 'Action.Execute', title: 'Go', verb: 'go', fallback: { type: 'Action.Submit', title: 'Go', data: { verb: 'go' } } }],
        ),
      ),
    ).toEqual([]);
  });

  it('reports unknown types, duplicate ids, empty text, missing image url and a wrong version', () => {
    const problems = validateCard({
      ...card([
        { type: 'Foo' },
        { type: 'Input.Text', id: 'a' },
        { type: 'Input.Text', id: 'a' },
        { type: 'TextBlock', text: '' },
        { type: 'Container', items: [{ type: 'Image' }] },
      ]),
      version: '1.6',
    });
    expect(problems.join('\n')).toMatch(/Unknown element type "Foo"/);
    expect(problems.join('\n')).toMatch(/Duplicate Id "a"/);
    expect(problems.join('\n')).toMatch(/TextBlock without text/);
    expect(problems.join('\n')).toMatch(/Image without url/);
    expect(problems.join('\n')).toMatch(/version is 1.6/);
  });
});
