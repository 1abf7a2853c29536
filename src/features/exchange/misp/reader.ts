// Reads a MISP document as it streams in and hands over one event at a time: `{"Event": …}`, a bare
// event, a list of either, or the REST `{"response": [...]}`. The shape is told from the first tokens;
// then only one event is ever assembled in memory, however many the document holds.
import { Tokenizer, TokenParser, TokenType, type ParsedTokenInfo } from '@streamparser/json';
import { Invalid } from '../../../domain/errors.ts';
import { unwrapEvent, type MispEventAt } from '../../../domain/misp/read.ts';
import { at } from '../../../domain/misp/values.ts';

type Shape = 'list' | 'response' | 'single' | 'bare';

const PATHS: Record<Shape, string> = { list: '$.*', response: '$.response.*', single: '$.Event', bare: '$' };
const SHAPES_MESSAGE = 'a MISP document is {"response": [...]}, {"Event": {...}}, an event, or a list of them';

export class MispDocumentReader {
  private readonly tokenizer = new Tokenizer();
  private parser: TokenParser | undefined;
  private shape: Shape | undefined;
  private readonly waiting: ParsedTokenInfo[] = [];
  private depth = 0;
  private topIsObject = false;
  private expectKey = false;
  private topKey: string | undefined;
  private started = false;

  /** Called for each event, in document order, as soon as it is complete. */
  constructor(private readonly onEvent: (event: MispEventAt, index: number) => void) {
    this.tokenizer.onToken = (token) => this.token(token);
  }

  write(chunk: Uint8Array | string): void {
    try {
      this.tokenizer.write(chunk);
    } catch (error) {
      if (error instanceof Invalid) throw error;
      throw new Invalid('body', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Refuses a document that stopped half-way. */
  end(): void {
    if (!this.started || this.depth !== 0) throw new Invalid('body', 'the JSON document ends early');
  }

  private token(token: ParsedTokenInfo): void {
    this.started = true;
    this.track(token);
    if (this.parser) {
      this.parser.write(token);
      return;
    }
    this.waiting.push(token);
    const shape = this.detect();
    if (shape === undefined) return;
    this.shape = shape;
    this.parser = new TokenParser({ paths: [PATHS[shape]], keepStack: false });
    this.parser.onValue = ({ value, key }) => this.emit(value, key);
    for (const waiting of this.waiting.splice(0)) this.parser.write(waiting);
  }

  private detect(): Shape | undefined {
    const [first, second] = this.waiting;
    if (first === undefined) return undefined;
    if (first.token === TokenType.LEFT_BRACKET) return 'list';
    if (first.token !== TokenType.LEFT_BRACE) throw new Invalid('body', SHAPES_MESSAGE);
    if (second === undefined) return undefined;
    if (second.token === TokenType.STRING && second.value === 'response') return 'response';
    if (second.token === TokenType.STRING && second.value === 'Event') return 'single';
    return 'bare';
  }

  // The top level of the wrappers is checked here: the parser only reports the paths it was given.
  private track(token: ParsedTokenInfo): void {
    const type = token.token;
    const opens = type === TokenType.LEFT_BRACE || type === TokenType.LEFT_BRACKET;
    if (this.depth === 1 && this.topIsObject && this.topKey !== undefined && !this.expectKey && type !== TokenType.COLON && type !== TokenType.COMMA && type !== TokenType.RIGHT_BRACE) {
      this.checkTopValue(type);
    }
    if (opens) {
      this.depth += 1;
      if (this.depth === 1) {
        this.topIsObject = type === TokenType.LEFT_BRACE;
        this.expectKey = this.topIsObject;
      }
    } else if (type === TokenType.RIGHT_BRACE || type === TokenType.RIGHT_BRACKET) {
      this.depth -= 1;
    } else if (this.depth === 1 && this.topIsObject) {
      if (this.expectKey && type === TokenType.STRING) {
        this.topKey = String(token.value);
        this.expectKey = false;
        this.checkTopKey(this.topKey);
      } else if (type === TokenType.COMMA) {
        this.expectKey = true;
        this.topKey = undefined;
      }
    }
  }

  private checkTopKey(key: string): void {
    const wrapper = this.shape ?? this.detect();
    if (wrapper === 'response' && key !== 'response') throw new Invalid(key, `unknown field: ${SHAPES_MESSAGE}`);
    if (wrapper === 'single' && key !== 'Event') throw new Invalid(key, `unknown field: ${SHAPES_MESSAGE}`);
  }

  private checkTopValue(type: TokenType): void {
    if (this.shape === 'response' && type !== TokenType.LEFT_BRACKET) throw new Invalid('response', 'must be a list of events');
    if (this.shape === 'single' && type !== TokenType.LEFT_BRACE) throw new Invalid('Event', 'must be a JSON object');
    // Each value is checked once, when it starts.
    this.topKey = undefined;
  }

  private emit(value: unknown, key: string | number | undefined): void {
    switch (this.shape) {
      case 'list':
        this.onEvent(unwrapEvent(value, at('', Number(key))), Number(key));
        return;
      case 'response':
        this.onEvent(unwrapEvent(value, at('response', Number(key))), Number(key));
        return;
      case 'single':
        this.onEvent(unwrapEvent({ Event: value }, ''), 0);
        return;
      default:
        this.onEvent(unwrapEvent(value, ''), 0);
    }
  }
}
