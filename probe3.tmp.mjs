import { MongoClient } from 'mongodb';
const c = await MongoClient.connect('mongodb://127.0.0.1:57017/', { retryWrites: false });
const db = c.db('probe3');
for (const N of [200, 2000, 8000]) {
await db.dropDatabase();
const col = db.collection('units');
const docs = [];
for (let i = 0; i < N; i++) docs.push({ _id: `s${String(i).padStart(5,'0')}`, path: ['city', 'cA', `d${i%10}`, `s${i}`], version: 1, name: '學校' + i, outbox: [{id: 'e'+i, data: {x: 1}}] });
for (let i = 0; i < docs.length; i += 1000) await col.insertMany(docs.slice(i, i + 1000), { ordered: false });
let t = Date.now();
await col.bulkWrite(docs.slice(0, 50).map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $set: { level: 1 } } } })), { ordered: false });
console.log(N, 'bulk 50 _id-only', Date.now() - t);
t = Date.now();
await Promise.all(docs.slice(50, 250).map((d) => col.updateOne({ _id: d._id }, { $pullAll: { outbox: d.outbox } })));
console.log(N, '200 parallel updateOne', Date.now() - t);
t = Date.now();
const r = await col.find({ 'outbox.0': { $exists: true } }, { projection: { outbox: 1 }, limit: 200 }).toArray();
console.log(N, 'outbox find', r.length, Date.now() - t);
}
await c.close();
