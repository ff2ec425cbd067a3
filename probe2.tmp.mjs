import { MongoClient } from 'mongodb';
const c = await MongoClient.connect('mongodb://127.0.0.1:57017/', { retryWrites: false });
const db = c.db('probe2');
await db.dropDatabase();
const col = db.collection('units');
await col.createIndex({ path: 1 });
const N = Number(process.argv[2] ?? 10000);
const docs = [];
for (let i = 0; i < N; i++) docs.push({ _id: `s${String(i).padStart(5,'0')}`, path: ['city', 'cA', `d${i%10}`, `s${i}`], version: 1, name: '學校' + i, outbox: [] });
let t = Date.now();
for (let i = 0; i < docs.length; i += 1000) await col.insertMany(docs.slice(i, i + 1000), { ordered: false });
console.log('insert', N, Date.now() - t);
for (const k of [1, 10, 50]) {
  t = Date.now();
  await col.bulkWrite(docs.slice(0, k).map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $set: { level: k } } } })), { ordered: false });
  console.log('bulk _id-only', k, Date.now() - t);
  t = Date.now();
  for (const d of docs.slice(0, k)) await col.updateOne({ _id: d._id }, { $set: { level: k } });
  console.log('seq updateOne _id-only', k, Date.now() - t);
  t = Date.now();
  for (const d of docs.slice(0, k)) await col.updateOne({ _id: d._id, version: 1 }, { $set: { level: k } });
  console.log('seq updateOne _id+version', k, Date.now() - t);
}
t = Date.now(); for (let i = 0; i < 20; i++) await col.findOne({ _id: 's00042' }); console.log('20 findOne _id', Date.now() - t);
await c.close();
