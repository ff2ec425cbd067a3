import { MongoClient } from 'mongodb';
const c = await MongoClient.connect('mongodb://127.0.0.1:57017/');
const db = c.db('orgs');
let t = Date.now();
console.log(await db.collection('leases').find().toArray(), Date.now() - t);
t = Date.now();
console.log('units', await db.collection('org_units').countDocuments(), 'pending outbox', await db.collection('org_units').countDocuments({'outbox.0': {$exists: true}}), Date.now() - t);
console.log('party', await db.collection('party_orgs').countDocuments());
await c.close();
