import { startSimulator } from 'pswb/simulator';

const sim = await startSimulator({ seed: 'demo' }); // on a free port of 127.0.0.1
const { clientId, clientSecret } = sim.credentials!; // the installed plugin's
await sim.faults.add('POST /oauth/access_token: 503,ok'); // the first token request answers 503

const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
const tokenRequest = {
  method: 'POST',
  headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials',
};
const first = await fetch(`${sim.url}/oauth/access_token`, tokenRequest);
const second = await fetch(`${sim.url}/oauth/access_token`, tokenRequest);
const journal = await sim.journal.entries({ path: '/oauth/*' }); // what was sent, no secrets
console.log(first.status, second.status, journal.length); // 503 200 2
await sim.stop();
