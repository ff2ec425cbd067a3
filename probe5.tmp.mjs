import { MongoClient } from 'mongodb';
const c = await MongoClient.connect('mongodb://127.0.0.1:57017/', { retryWrites: false });
const db = c.db('probe5');
for (const [N, idx, hist] of [[2000, false, false], [10000, false, false], [10000, true, false], [10000, false, true]]) {
await db.dropDatabase();
const col = db.collection('units');
if (idx) await col.createIndex({ path: 1 });
const docs = [];
for (let i = 0; i < N; i++) docs.push({ _id: `s${String(i).padStart(5,'0')}`, path: ['city', 'cA', `d${i%10}`, `s${i}`], version: 1, outbox: [], ...(hist ? { history: [{ version: 1, at: new Date() }] } : {}) });
for (let i = 0; i < docs.length; i += 1000) await col.insertMany(docs.slice(i, i + 1000), { ordered: false });
let t = Date.now();
for (const d of docs.slice(0, 30)) await col.updateOne({ _id: d._id }, { $set: { level: 9 } });
const a = Date.now() - t; t = Date.now();
for (const d of docs.slice(0, 30)) await col.findOne({ _id: d._id });
console.log(N, 'idx', idx, 'hist', hist, '30 updates', a, '30 finds', Date.now() - t);
}
await c.close();
