import { reviewPolicyDocument } from './functions/domain/policy.ts';
const shapes = [
  (i: number, a: string) => `arn:aws:iam::${a}:role/team-${i}-*`,
  (i: number, a: string) => `arn:aws:iam::${a}:user/services/svc-${i}`,
  (i: number, a: string) => `arn:aws:sts::${a}:assumed-role/AWSReservedSSO_Team${i}_*/*`,
  (i: number, a: string) => `arn:aws:iam::${a}:role/app-${i}`,
  (i: number) => `arn:aws:iam::*:role/shared-${i}`,
];
const accounts = ['123456789012', '210987654321', '111122223333', '444455556666'];
const rules = Array.from({ length: 10000 }, (_, i) => ({ name: `rule-${i}`, principals: [shapes[i % 5](i, accounts[i % 4])], targets: ['analytics'], dbUser: `user_${i}` }));
const json = JSON.stringify({ version: 1, targets: { analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' } }, rules });
for (let k = 0; k < 5; k++) reviewPolicyDocument(JSON.parse(json));
const acc=[0,0,0]; let tot=0; for (let k=0;k<15;k++){ const d = JSON.parse(json); const s=performance.now(); reviewPolicyDocument(d); tot+=(performance.now()-s)/15; (globalThis as any).T.forEach((v:number,i:number)=>acc[i]+=v/15); }
console.log('total', tot.toFixed(1), 'rules, warnings, index', acc.map(v=>v.toFixed(1)));
