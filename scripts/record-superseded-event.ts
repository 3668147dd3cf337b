/**
 * `npm run record:superseded-event`: regenerates events/eventbridge/succeeded-superseded.json
 * from a real run of the pipeline state machine on the sandbox (see superseded-event.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { supersededStatusEvent } from './superseded-event';

const file = join(__dirname, '..', 'events', 'eventbridge', 'succeeded-superseded.json');
supersededStatusEvent()
  .then((event) => {
    writeFileSync(file, `${JSON.stringify(event, null, 2)}\n`);
    console.log(`wrote ${file}`);
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
