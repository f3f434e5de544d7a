import { openStore } from '../../src/store/index.ts';
import { seedReportsBench } from './reports.bench.ts';
await (await openStore({ url: 'sqlite:/tmp/rb/rb.db' })).close();
seedReportsBench('/tmp/rb/rb.db', 100000);
console.log('ok');
